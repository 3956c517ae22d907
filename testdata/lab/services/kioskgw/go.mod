module kioskgw

go 1.19
