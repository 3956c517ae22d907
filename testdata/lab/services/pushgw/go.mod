module pushgw

go 1.19
