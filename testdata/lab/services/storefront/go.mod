module storefront

go 1.19
