# iked/iked.mk
