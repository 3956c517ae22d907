module policyd

go 1.19
