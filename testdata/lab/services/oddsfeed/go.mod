module oddsfeed

go 1.19
