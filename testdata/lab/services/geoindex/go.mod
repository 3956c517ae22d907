module geoindex

go 1.19
