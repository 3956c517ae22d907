module presence

go 1.19
