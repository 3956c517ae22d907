module thumbnails

go 1.19
