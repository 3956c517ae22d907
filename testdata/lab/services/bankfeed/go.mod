module bankfeed

go 1.19
