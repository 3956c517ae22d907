module peersync

go 1.19
