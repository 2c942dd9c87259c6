# doc/doc.mk
