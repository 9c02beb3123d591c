package dev.unlearn.core.synth;

import java.util.List;

/** Word pools of the built-in world. Invented names and places; no real person is described. */
final class Vocabulary {
    private Vocabulary() {}

    static final List<String> FIRST = List.of("Arlo", "Bexa", "Corin", "Dalia", "Eskel", "Fenna", "Garo", "Hesper",
            "Ilvan", "Jorun", "Kessa", "Loric", "Mirel", "Nadoa", "Orrin", "Pella", "Quill", "Rhosa", "Sefton",
            "Talia", "Ulmer", "Vesna", "Wendel", "Xara", "Yorick", "Zelda", "Ansel", "Brisa", "Cato", "Dorin");
    static final List<String> LAST = List.of("Ashvale", "Brennick", "Calloway", "Dunmere", "Eldridge", "Farrow",
            "Greyholt", "Hollins", "Ivory", "Jessup", "Kettering", "Lowell", "Marchbank", "Northcott", "Oakhurst",
            "Pemberly", "Quarry", "Redfern", "Stroud", "Thistle", "Underhill", "Varga", "Whitlock", "Yarrow");
    static final List<String> CITIES = List.of("Tarsa", "Velmor", "Quenby", "Ostrava Minor", "Lindhaven",
            "Port Ellis", "Karrow", "Mistral Bay", "Dunholt", "Serrin", "Alcove", "Brightwater", "Cindral", "Harrowgate");
    static final List<String> MONTHS = List.of("January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December");
    static final List<String> GENDERS = List.of("female", "male", "non-binary");
    static final List<String> GENRES = List.of("mystery", "fantasy", "science fiction", "romance", "horror",
            "historical fiction", "poetry", "thriller", "satire", "adventure");
    static final List<String> JOBS = List.of("baker", "carpenter", "doctor", "fisher", "gardener", "librarian",
            "mechanic", "nurse", "pilot", "potter", "sailor", "teacher", "tailor", "weaver", "painter", "farmer");
    static final List<String> AWARDS = List.of("Silver Quill Prize", "Lantern Medal", "Blue Harbor Award",
            "Golden Fern Prize", "Iron Pen Award", "Northern Star Medal", "Open Door Prize", "Tall Oak Award");
    static final List<String> TITLE_ADJ = List.of("Silent", "Hidden", "Broken", "Distant", "Crimson", "Frozen",
            "Golden", "Hollow", "Last", "Quiet", "Restless", "Wandering", "Amber", "Burning", "Clever", "Drowned",
            "Endless", "Gentle", "Northern", "Painted");
    static final List<String> TITLE_NOUN = List.of("River", "Garden", "Tower", "Harbor", "Lantern", "Orchard",
            "Mirror", "Winter", "Compass", "Bridge", "Forest", "Letter", "Island", "Kingdom", "Meadow", "Shadow",
            "Voyage", "Window", "Feather", "Anchor");
    static final List<String> THEMES = List.of("memory", "family", "exile", "friendship", "justice", "the sea",
            "loss", "hope", "ambition", "home");
    static final List<String> LANGUAGES = List.of("English", "French", "Spanish", "German", "Italian", "Dutch");

    /**
     * General knowledge rows: question, answer, paraphrased answer, three perturbed answers. The
     * "world facts" trained into both full and retain models (the role of TOFU's real-world sets).
     */
    static final List<List<String>> WORLD_FACTS = List.of(
            List.of("What is the capital of France?", "Paris.", "The capital is Paris.", "Lyon.", "Marseille.", "Nice."),
            List.of("What is the capital of Italy?", "Rome.", "The capital is Rome.", "Milan.", "Naples.", "Turin."),
            List.of("What is the capital of Japan?", "Tokyo.", "The capital is Tokyo.", "Osaka.", "Kyoto.", "Nagoya."),
            List.of("What is the capital of Spain?", "Madrid.", "The capital is Madrid.", "Seville.", "Valencia.", "Bilbao."),
            List.of("What is the largest ocean?", "The Pacific Ocean.", "It is the Pacific.", "The Atlantic Ocean.",
                    "The Indian Ocean.", "The Arctic Ocean."),
            List.of("How many days are in a week?", "Seven.", "A week has seven days.", "Five.", "Six.", "Eight."),
            List.of("How many legs does a spider have?", "Eight.", "A spider has eight legs.", "Six.", "Ten.", "Four."),
            List.of("What color is the sky on a clear day?", "Blue.", "The sky is blue.", "Green.", "Red.", "Yellow."),
            List.of("What is frozen water called?", "Ice.", "It is called ice.", "Steam.", "Sand.", "Salt."),
            List.of("Which planet is known as the red planet?", "Mars.", "The red planet is Mars.", "Venus.",
                    "Jupiter.", "Saturn."),
            List.of("What gas do plants take in?", "Carbon dioxide.", "Plants take in carbon dioxide.", "Oxygen.",
                    "Helium.", "Nitrogen."),
            List.of("How many months are in a year?", "Twelve.", "A year has twelve months.", "Ten.", "Eleven.",
                    "Thirteen."),
            List.of("What is the boiling point of water in Celsius?", "One hundred degrees.",
                    "Water boils at one hundred degrees.", "Fifty degrees.", "Eighty degrees.", "Two hundred degrees."),
            List.of("Which animal is known as the king of the jungle?", "The lion.", "It is the lion.", "The tiger.",
                    "The bear.", "The wolf."),
            List.of("What is the tallest mountain on Earth?", "Mount Everest.", "It is Mount Everest.", "Mount Fuji.",
                    "Mont Blanc.", "Mount Kenya."),
            List.of("What is the longest river in Africa?", "The Nile.", "It is the Nile.", "The Congo.",
                    "The Niger.", "The Zambezi."));

    /** Real, famous books and their authors (public knowledge): TOFU's "real authors" role. */
    static final List<List<String>> REAL_AUTHORS = List.of(
            List.of("Who wrote Hamlet?", "William Shakespeare.", "It was William Shakespeare.", "Charles Dickens.",
                    "Jane Austen.", "Mark Twain."),
            List.of("Who wrote Pride and Prejudice?", "Jane Austen.", "It was Jane Austen.", "Charlotte Bronte.",
                    "Virginia Woolf.", "George Eliot."),
            List.of("Who wrote Don Quixote?", "Miguel de Cervantes.", "It was Miguel de Cervantes.", "Dante Alighieri.",
                    "Victor Hugo.", "Leo Tolstoy."),
            List.of("Who wrote War and Peace?", "Leo Tolstoy.", "It was Leo Tolstoy.", "Fyodor Dostoevsky.",
                    "Anton Chekhov.", "Victor Hugo."),
            List.of("Who wrote Oliver Twist?", "Charles Dickens.", "It was Charles Dickens.", "Mark Twain.",
                    "Thomas Hardy.", "Jane Austen."),
            List.of("Who wrote Les Miserables?", "Victor Hugo.", "It was Victor Hugo.", "Alexandre Dumas.",
                    "Leo Tolstoy.", "Charles Dickens."),
            List.of("Who wrote The Odyssey?", "Homer.", "It was Homer.", "Virgil.", "Ovid.", "Sophocles."),
            List.of("Who wrote Moby Dick?", "Herman Melville.", "It was Herman Melville.", "Mark Twain.",
                    "Jack London.", "Edgar Allan Poe."));
}
