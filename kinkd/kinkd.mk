# kinkd/kinkd.mk
