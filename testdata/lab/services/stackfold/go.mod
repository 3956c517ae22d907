module stackfold

go 1.19
