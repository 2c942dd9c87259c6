# samples/samples.mk
