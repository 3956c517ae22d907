module broadcast

go 1.19
