module ingestor

go 1.19
