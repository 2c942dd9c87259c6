# doc/doc.mk -- manual pages (owner: samples)
dist_man_MANS += doc/racoon2.conf.5 doc/iked.8 doc/spmd.8 doc/kinkd.8
