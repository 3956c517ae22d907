module transcode

go 1.19
