module shimscope.dev/gocgo

go 1.19
