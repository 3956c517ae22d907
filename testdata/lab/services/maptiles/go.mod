module maptiles

go 1.19
