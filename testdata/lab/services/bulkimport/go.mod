module bulkimport

go 1.19
