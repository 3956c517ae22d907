module docindex

go 1.19
