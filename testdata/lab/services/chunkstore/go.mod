module chunkstore

go 1.19
