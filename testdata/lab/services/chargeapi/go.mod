module chargeapi

go 1.19
