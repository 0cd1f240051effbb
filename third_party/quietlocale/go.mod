module aa.lokalraad/quietlocale

go 1.21
