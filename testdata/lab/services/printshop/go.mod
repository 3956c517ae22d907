module printshop

go 1.19
