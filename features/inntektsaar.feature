# language: no
@inntektsaar
Egenskap: Inntektsår i path og i leveransen
  Inntektsåret står både i URL-en (/v1/{inntektsaar}) og i leveransen.
  De må være like, og året må være åpent for innrapportering.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den

  @tt02
  Scenario: Inntektsår i path og i leveransen er ulike
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Når leveransen sendes inn til inntektsåret etter leveransens
    Så avvises forespørselen med feilkode GLD_1052
    Og feilen peker på stien "$.leveranse.inntektsaar"
    Og det finnes ingen forsendelse for leveransen

  @tt02 @antakelse @A-AAR
  Scenario: Et inntektsår som ikke er åpent for innrapportering
    Gitt en gyldig leveranse for et inntektsår som ikke er åpent
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_1027
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Abstrakt Scenario: Et inntektsår i path som ikke er et år: <aar>
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Når leveransen sendes inn til inntektsår "<aar>"
    Så avvises forespørselen med feilkode GLD_1022
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | aar  |
      | 20x5 |
      | 25   |
