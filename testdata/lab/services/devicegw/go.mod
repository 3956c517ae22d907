module devicegw

go 1.19
