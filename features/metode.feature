# language: no
@metode
Egenskap: HTTP-metode og URL
  Innsending er POST /v1/{inntektsaar}. Andre metoder på samme URL gir GLD_022
  med headeren Allow, og en URL uten innhold gir GLD_1023.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 1 oppgave

  @tt02
  Abstrakt Scenario: Metoden <metode> på innsendingens URL er ikke støttet
    Når leveransen sendes inn med metoden <metode>
    Så avvises forespørselen med feilkode GLD_022
    Og svaret har headeren "Allow" med verdien "POST"
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | metode |
      | PUT    |
      | PATCH  |
      | DELETE |

  @tt02 @antakelse @A-PATH
  Abstrakt Scenario: En URL uten innhold: <sti>
    Når leveransen sendes inn til stien "<sti>"
    Så avvises forespørselen med feilkode GLD_1023
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | sti                 |
      | /v2/2025            |
      | /v1/2025/innsending |
      | /finnes-ikke        |
