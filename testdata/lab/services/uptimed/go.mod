module uptimed

go 1.19
