# language: no
@payload
Egenskap: Leveransen valideres mot JSON-skjemaet
  API-et avviser en leveranse som ikke er gyldig JSON (GLD_008) eller som ikke
  følger JSON-skjemaet (GLD_010), og peker på stien til feilen.
  Feilene er de navngitte defektene fra generatorene (finprod generate --list-defects).

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den

  @tt02 @antakelse @A-SCHEMA @A-FEILSPES
  Abstrakt Scenario: En leveranse med defekten <defekt> avvises med <feilkode> på <sti>
    Gitt en leveranse for inntektsåret med 2 oppgaver og defekten "<defekt>"
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode <feilkode>
    Og feilen peker på stien "<sti>"
    Og det finnes ingen forsendelse for leveransen

    Eksempler: Brudd på JSON-skjemaet
      | defekt       | feilkode | sti                                             |
      | mangler-felt | GLD_010  | $.leveranse                                     |
      | feil-type    | GLD_010  | $.leveranse.oppgaveoppsummering.sumFormuesverdi |
      | ukjent-enum  | GLD_010  | $.leveranse.leveransetype                       |

    Eksempler: Inntektsår i leveransen er ulikt inntektsåret i path
      | defekt    | feilkode | sti                     |
      | aar-ulikt | GLD_1052 | $.leveranse.inntektsaar |

  @tt02
  Scenario: En leveranse som ikke er gyldig JSON avvises
    Gitt en leveranse for inntektsåret med 2 oppgaver og defekten "ugyldig-json"
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_008
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Abstrakt Scenario: En forespørselskropp som ikke er en leveranse i JSON: <beskrivelse>
    Gitt forespørselskroppen <kropp>
    Når forespørselskroppen sendes inn
    Så avvises forespørselen med feilkode GLD_008

    Eksempler:
      | beskrivelse       | kropp               |
      | tom kropp         | ""                  |
      | uavsluttet objekt | "{\"leveranse\": {" |
      | ren tekst         | "leveranse"         |

  @tt02 @antakelse @A-SCHEMA
  Abstrakt Scenario: Gyldig JSON som ikke er en leveranse: <beskrivelse>
    Gitt forespørselskroppen <kropp>
    Når forespørselskroppen sendes inn
    Så avvises forespørselen med feilkode GLD_010

    Eksempler:
      | beskrivelse      | kropp                 |
      | et tomt objekt   | "{}"                  |
      | en liste         | "[]"                  |
      | en tom leveranse | "{\"leveranse\": {}}" |

  @tt02 @antakelse @A-UTF8 @A-FEILSPES
  Abstrakt Scenario: En leveranse med tekst som ikke er UTF-8 avvises: <beskrivelse>
    # JSON mellom systemer skal være UTF-8 (RFC 8259 §8.1).
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og kildesystem i leveransen er byttet ut med "<tekst>"
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_008
    Og feilen peker på stien "$.leveranse.kildesystem"
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | beskrivelse                  | tekst                      |
      | en løs byte                  | Kildesystem \xff 2.0       |
      | en overlang koding av /      | Kildesystem \xc0\xaf       |
      | en UTF-8-kodet surrogat      | Kildesystem \xed\xa0\x80   |
      | en ensom surrogat som escape | Kildesystem \\\\ud800 2.0 |

  @tt02 @antakelse @A-HELTALL @A-FEILSPES
  Abstrakt Scenario: Et tall som ingen heltallstype rommer avvises ved døren: <tall> i <felt>
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og <felt> i leveransen er byttet ut med tallet <tall>
    Når leveransen sendes inn
    Så avvises forespørselen med feilkode GLD_010
    Og feilen peker på stien "<sti>"
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | felt           | tall                | sti                                            |
      | antallOppgaver | 1e29                | $.leveranse.oppgaveoppsummering.antallOppgaver |
      | antallOppgaver | 1e400               | $.leveranse.oppgaveoppsummering.antallOppgaver |
      | antallOppgaver | 9223372036854775808 | $.leveranse.oppgaveoppsummering.antallOppgaver |
      | inntektsaar    | 1e400               | $.leveranse.inntektsaar                        |
      | inntektsaar    | -1e400              | $.leveranse.inntektsaar                        |
