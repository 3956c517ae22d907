module tariffs

go 1.19
