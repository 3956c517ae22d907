module discounts

go 1.19
