# language: no
@auth
Egenskap: Autentisering og autorisasjon
  Hver innsending må ha et gyldig Maskinporten-token med scopet
  skatteetaten:innrapporteringfinansprodukter, utstedt for en systembruker
  som har rett til å levere for oppgavegiveren i leveransen.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 1 oppgave

  @tt02
  Scenario: Uten token
    Når leveransen sendes inn uten token
    Så avvises forespørselen med feilkode GLD_004
    Og feilen har feilspesifisering GLD_1007
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Scenario: Med et token som ikke er et gyldig Maskinporten-token
    Når leveransen sendes inn med et ugyldig token
    Så avvises forespørselen med feilkode GLD_004
    Og feilen har feilspesifisering GLD_1008
    Og det finnes ingen forsendelse for leveransen

  @mock
  Scenario: Med et utløpt token
    Når leveransen sendes inn med et utløpt token
    Så avvises forespørselen med feilkode GLD_1008
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Scenario: Med et token med feil scope
    Når leveransen sendes inn med et token som bare har scopet "digdir:dialogporten"
    Så avvises forespørselen med feilkode GLD_005
    Og det finnes ingen forsendelse for leveransen

  @tt02 @antakelse @A-SYSTEMBRUKER
  Scenario: Med et Maskinporten-token uten systembruker
    # "Bruk av API-et krever systemtilgang med systembruker" (tjenestesiden).
    Når leveransen sendes inn med et Maskinporten-token uten systembruker
    Så avvises forespørselen med HTTP-status 403 og feilkode GLD_005
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Scenario: Systembrukeren har ikke rett til å levere for oppgavegiveren
    Gitt en gyldig leveranse for en annen oppgavegiver som systembrukeren ikke har rett til å levere for
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_1015
    Og det finnes ingen forsendelse for leveransen
