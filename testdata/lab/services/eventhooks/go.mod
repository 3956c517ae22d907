module eventhooks

go 1.19
