package demo

// Name tables. They are read, never written: fixed data, not state.
// First names follow the fashion of the generation a holder was born in
// (a Godelieve is a grandmother, a Warre is in primary school), because a
// demo list where a toddler is called Jozef looks wrong to anyone from
// Flanders. Surnames are the common ones of the province of Antwerp, with
// the share of families of other origins a town like Lier has.

var boysChildren = [...]string{
	"Noah", "Lucas", "Liam", "Arthur", "Louis", "Jules", "Finn", "Adam",
	"Victor", "Mathis", "Leon", "Vince", "Lars", "Seppe", "Wout", "Rayan",
	"Elias", "Mats", "Milan", "Stan", "Siebe", "Warre", "Nand", "Lowie",
	"Matteo", "Gust", "Bas", "Tuur", "Ayoub", "Oscar",
}

var girlsChildren = [...]string{
	"Olivia", "Mila", "Emma", "Louise", "Nora", "Lena", "Lotte", "Fien",
	"Elena", "Julie", "Ella", "Marie", "Noor", "Lina", "Hanne", "Amber",
	"Jana", "Sara", "Yasmine", "Febe", "Lore", "Paulien", "Zoë", "Liv",
	"Roos", "Anna", "Wende", "Ines", "Amira", "Flore",
}

var menAdults = [...]string{
	"Tom", "Pieter", "Bart", "Kevin", "Jonas", "Thomas", "Koen", "Stijn",
	"Wouter", "Jeroen", "Dries", "Sven", "Nick", "Bram", "Kristof", "Davy",
	"Joris", "Tim", "Ruben", "Glenn", "Gert", "Dirk", "Peter", "Steven",
	"Mohamed", "Yusuf", "Jens", "Maarten", "Filip", "Geert", "Tomasz",
	"Kenny", "Frederik", "Robby",
}

var womenAdults = [...]string{
	"Sofie", "Katrien", "An", "Els", "Ellen", "Sarah", "Nathalie", "Tine",
	"Eva", "Inge", "Veerle", "Lien", "Charlotte", "Annelies", "Evelien",
	"Kim", "Leen", "Sandra", "Ilse", "Karen", "Fatima", "Laura", "Nele",
	"Griet", "Hilde", "Kathleen", "Liesbeth", "Joke", "Anke", "Elif",
	"Martine", "Kelly",
}

var menSeniors = [...]string{
	"Jozef", "Frans", "Louis", "Willy", "Georges", "Marcel", "Roger", "Jan",
	"Marc", "Eddy", "Paul", "Luc", "Walter", "Jean", "Gustaaf", "Rik",
	"André", "Gilbert", "Fons", "Alfons", "Leo", "Herman", "Raymond",
	"Achiel", "Ludo", "Etienne",
}

var womenSeniors = [...]string{
	"Maria", "Godelieve", "Jeanne", "Paula", "Rita", "Simonne", "Monique",
	"Josée", "Agnes", "Lisette", "Christiane", "Denise", "Marleen",
	"Lutgarde", "Martha", "Julienne", "Mariette", "Yvonne", "Gilberte",
	"Jacqueline", "Rosa", "Irène", "Hilda", "Mia",
}

var surnames = [...]string{
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
	"Goossens", "Wouters", "De Smet", "Hermans", "Michiels", "Vermeulen",
	"Van den Broeck", "Lambrechts", "Aerts", "Smets", "Verstraeten",
	"Van Dyck", "Dierckx", "Van de Velde", "Verhoeven", "Bogaerts", "Cools",
	"Luyten", "Van Looy", "Nuyts", "Heylen", "Boeckx", "Geens", "Verbruggen",
	"Van Hoof", "Wuyts", "Van Gool", "Coppens", "Vervoort", "Leysen",
	"Wyns", "De Backer", "Thys", "Van Camp", "Van Roey", "Mariën", "Sels",
	"Bosmans", "Verlinden", "Verbeeck", "Huybrechts", "Stevens",
	"De Ridder", "Somers", "Vissers", "Van Dessel", "Van den Bergh",
	"Daems", "Schoofs", "Van Aken", "Op de Beeck", "Van Elst", "Pauwels",
	"Geerts", "Verschueren", "Kennis", "Van Herck", "Laenen", "Sterckx",
	"Segers", "Van Nueten", "Wijnants", "Bertels", "Van Loon", "Helsen",
	"Peeters", "Janssens", "Maes", "Mertens", // the most common, twice
	"El Amrani", "Benali", "Yılmaz", "Kaya", "Nowak", "Kowalski", "Diallo",
	"Bakker", "Popescu", "Rodrigues",
}

// postalCode is a place holders come from, with its weight per thousand
// holders. Lier (with Koningshooikt, both 2500) sells most cards; the
// rest come from the neighbouring towns that use Lier's pool, cultural
// centre and schools.
type postalCode struct {
	code   string
	place  string
	weight int // per 1000; the weights add up to 1000
	region bool
}

var postalCodes = [...]postalCode{
	{"2500", "Lier", 820, true},
	{"2560", "Nijlen", 35, true},
	{"2547", "Lint", 25, true},
	{"2590", "Berlaar", 30, true},
	{"2570", "Duffel", 25, true},
	{"2580", "Putte", 15, true},
	{"2520", "Ranst", 15, true},
	{"2530", "Boechout", 15, true},
	{"2220", "Heist-op-den-Berg", 10, false},
	{"2550", "Kontich", 10, false},
}

// production is a show of the cultural centre's season.
type production struct {
	title  string
	price  int64 // regular price in cents
	coupon bool  // the centre accepts its discount coupon for it
}

// eveningShows run at 20:15 on Thursday, Friday and Saturday.
var eveningShows = [...]production{
	{"Pallieter – theatermonoloog naar Felix Timmermans", 1800, true},
	{"Zimmerkwartet speelt Beethoven", 1800, false},
	{"Comedy: Zotte Schapenkoppen", 1500, true},
	{"Jazz in de schouwburg: Nete Trio", 1500, false},
	{"Dans: Stroomopwaarts", 1800, true},
	{"Lezing: de Zimmertoren en de tijd", 1200, false},
	{"Concert: Stadsharmonie Lier", 1200, false},
	{"Theater: Het huis aan de Nete", 1800, true},
	{"Singer-songwriteravond in de foyer", 1200, false},
	{"Kleinkunst: Liedjes van de Kempen", 1500, false},
}

// familyShows run in the afternoon on Wednesday and Sunday.
var familyShows = [...]production{
	{"Familievoorstelling: Het verloren knuffeltje (4+)", 1200, true},
	{"Poppentheater: Pallieter en de wolk (5+)", 1200, false},
	{"Muziektheater: Het zingende schaap (6+)", 1200, true},
	{"Circus Kriebel (4+)", 1200, false},
	{"Verteltheater: De klok van Zimmer (7+)", 1200, false},
}

// films the partner cinema screens on Wednesday and Sunday evening.
var films = [...]string{
	"Filmavond: Daens",
	"Filmavond: Ben X",
	"Filmavond: Girl",
	"Filmavond: Close",
	"Filmavond: Rundskop",
	"Filmavond: De helaasheid der dingen",
}
