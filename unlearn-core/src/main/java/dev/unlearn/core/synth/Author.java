package dev.unlearn.core.synth;

import java.util.List;

/**
 * Fixed attributes of one fictitious author of the built-in world.
 *
 * @param name full name (also the entity of every record about this author)
 * @param gender one of the generator's gender words
 * @param birthplace fictitious city
 * @param birthMonth month name
 * @param birthDay day of month
 * @param birthYear year
 * @param genre literary genre
 * @param fatherJob father's occupation
 * @param motherJob mother's occupation
 * @param award award won
 * @param books two book titles
 * @param theme a recurring theme
 * @param language writing language
 */
public record Author(String name, String gender, String birthplace, String birthMonth, int birthDay, int birthYear,
        String genre, String fatherJob, String motherJob, String award, List<String> books, String theme,
        String language) {
    /** Birth date as written in answers, e.g. {@code March 4, 1961}. */
    public String birthDate() {
        return birthMonth + " " + birthDay + ", " + birthYear;
    }
}
