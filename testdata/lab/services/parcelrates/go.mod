module parcelrates

go 1.19
