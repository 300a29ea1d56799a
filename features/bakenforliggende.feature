# language: no
@bakenforliggende @mock @feilinjeksjon
Egenskap: Feil i bakenforliggende systemer
  Når et system bak API-et feiler, svarer API-et GLD_023 med feilspesifisering
  GLD_1053 («vennligst prøv igjen senere»). Leveransen er da ikke mottatt, og
  et nytt forsøk med samme idempotensnøkkel skal lykkes når feilen er borte.
  Feilene lages med mockens feilinjeksjon, så disse scenarioene kjører aldri mot TT02.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 1 oppgave

  Scenario: Et bakenforliggende system feiler
    Gitt at et bakenforliggende system feiler ved neste innsending
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_023
    Og feilen har feilspesifisering GLD_1053
    Og det finnes ingen forsendelse for leveransen

  @antakelse @A-IDEMPOTENS
  Scenario: Nytt forsøk etter en feil i et bakenforliggende system lykkes
    Gitt at et bakenforliggende system feiler ved neste innsending
    Og leveransen er sendt inn og avvist med feilkode GLD_1053
    Når leveransen sendes inn på nytt med samme idempotensnøkkel
    Så er leveransen mottatt
    Og det finnes nøyaktig 1 forsendelse for leveransen
