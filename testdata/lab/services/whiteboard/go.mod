module whiteboard

go 1.19
