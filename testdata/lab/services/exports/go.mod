module exports

go 1.19
