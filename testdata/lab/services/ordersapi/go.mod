module ordersapi

go 1.19
