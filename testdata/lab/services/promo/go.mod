module promo

go 1.19
