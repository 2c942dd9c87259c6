#ifndef RC_VERSION_H
#define RC_VERSION_H

#define RC_VERSION_STRING "racoon2-" PACKAGE_VERSION
#define RC_DEFAULT_CONFIG SYSCONFDIR "/racoon2.conf"

#endif
