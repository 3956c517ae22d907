module shopindex

go 1.19
