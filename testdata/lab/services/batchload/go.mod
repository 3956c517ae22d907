module batchload

go 1.19
