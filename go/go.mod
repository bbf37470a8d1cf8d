module mapbench-go

go 1.19
