module pushnotify

go 1.19
