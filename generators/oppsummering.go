package generators

import (
	"fmt"
	"math/big"

	"github.com/finprod/finprod/contract"
)

// Oppsummer computes the exact oppgaveoppsummering of any list of oppgaver,
// generated or hand-made. It uses big integers because foreign amounts may
// each have up to 18 digits; an amount that is not a string of digits is an
// error naming its JSONPath.
func Oppsummer(oppgaver []contract.Oppgave) (contract.Oppgaveoppsummering, error) {
	var t [nSums]big.Int
	var err error
	add := func(i int, v, sti string) {
		if v == "" || err != nil {
			return
		}
		n, ok := new(big.Int).SetString(v, 10)
		if !ok || n.Sign() < 0 || v[0] == '+' {
			err = fmt.Errorf("%s: %q is not a whole amount in kroner", sti, v)
			return
		}
		t[i].Add(&t[i], n)
	}
	bv := func(i int, b *contract.Beloepsverdi, sti string) {
		if b != nil {
			add(i, b.BeloepINOK, sti+".beloepINOK")
		}
	}
	for i, o := range oppgaver {
		for j, p := range o.Konto.Finansprodukt {
			sti := fmt.Sprintf("$.leveranse.oppgave[%d].konto.finansprodukt[%d]", i, j)
			bv(iFormuesverdi, p.Formuesverdi, sti+".formuesverdi")
			bv(iSkattepliktigUtbytte, p.SkattepliktigUtbytte, sti+".skattepliktigUtbytte")
			bv(iRenteinntekt, p.Renteinntekt, sti+".renteinntekt")
			bv(iAnnenInntekt, p.AnnenInntektEllerUtbetaling, sti+".annenInntektEllerUtbetaling")
			bv(iUtdeltUtbytte, p.UtdeltUtbytte, sti+".utdeltUtbytte")
			bv(iSalgsvederlag, p.Salgsvederlag, sti+".salgsvederlag")
			if g := p.GevinstEllerTap; g != nil {
				add(iGevinst, g.SkattepliktigGevinst, sti+".gevinstEllerTap.skattepliktigGevinst")
				add(iTap, g.FradragsberettigetTap, sti+".gevinstEllerTap.fradragsberettigetTap")
			}
			add(iAnvendtSkjerming, p.AnvendtSkjerming, sti+".anvendtSkjerming")
		}
	}
	if err != nil {
		return contract.Oppgaveoppsummering{}, err
	}
	return contract.Oppgaveoppsummering{
		AntallOppgaver:                 len(oppgaver),
		SumFormuesverdi:                t[iFormuesverdi].String(),
		SumSkattepliktigUtbytte:        t[iSkattepliktigUtbytte].String(),
		SumRenteinntekt:                t[iRenteinntekt].String(),
		SumAnnenInntektEllerUtbetaling: t[iAnnenInntekt].String(),
		SumGevinst:                     t[iGevinst].String(),
		SumTap:                         t[iTap].String(),
		SumAnvendtSkjerming:            t[iAnvendtSkjerming].String(),
		SumUtdeltUtbytte:               t[iUtdeltUtbytte].String(),
		SumSalgsvederlag:               t[iSalgsvederlag].String(),
	}, nil
}
