module eventbus

go 1.19
