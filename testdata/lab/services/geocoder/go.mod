module geocoder

go 1.19
