using System.Globalization;

namespace Monitor.Bench.Sentiment;

/// <summary>Writes a fitted model in the text format <c>LinearSentimentModel.Load</c> reads.</summary>
internal static class ModelFile
{
    public static void Write(
        TextWriter writer, FittedModel fitted, (double L2, int MinCount, double Band, double F1) chosen,
        (double Mix, double Reference, double R) score, int texts, int reviewSentences = 0, double negativeBand = 0)
    {
        writer.WriteLine("# Linear sentiment model for software text, read by LinearSentimentModel (Monitor.Probes).");
        writer.WriteLine("# Trained by bench/Monitor.Bench.Sentiment (train) on the Senti4SD Stack Overflow TRAIN partition");
        writer.WriteLine($"# only ({texts} texts), bench/data/sentiment-se: MIT, Copyright (c) 2017 Collaborative Development Group;");
        writer.WriteLine("# texts by Stack Overflow users,");
        writer.WriteLine("# CC BY-SA (see THIRD-PARTY-NOTICES.md). Calefato, Lanubile, Maiorano, Novielli, EMSE 23(3) 2018.");
        if (reviewSentences > 0)
        {
            writer.WriteLine($"# And {reviewSentences} review sentences, bench/data/reviews-uci: UCI Sentiment Labelled Sentences, CC BY 4.0;");
            writer.WriteLine("# Kotzias, Denil, de Freitas, Smyth, KDD 2015 (see THIRD-PARTY-NOTICES.md). Verdict chosen on the software");
            writer.WriteLine("# part only (band-negative: no more neutral texts called negative, out of fold, than the model fitted");
            writer.WriteLine("# on the software texts alone), the mix by the mean of both parts' r (docs/sentiment.md).");
        }
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# 5-fold CV on train chose l2={chosen.L2:0e0}, min-count={chosen.MinCount}, band={chosen.Band:0.00} " +
            $"(macro-F1 {chosen.F1:0.000}); then mix={score.Mix:0.00}, coverage reference {score.Reference:0.000} " +
            $"(Pearson r {score.R:0.000} with the labels)."));
        writer.WriteLine("# Lines: name or 16-hex-digit feature hash, then weights for negative, neutral, positive.");
        Line(writer, "band", chosen.Band, 0, 0);
        if (negativeBand > 0)
        {
            Line(writer, "band-negative", negativeBand, 0, 0);
        }
        Line(writer, "mix", score.Mix, 0, 0);
        Line(writer, "coverage", score.Reference, 0, 0);
        Line(writer, "bias", fitted.Bias[0], fitted.Bias[1], fitted.Bias[2]);
        for (var d = 0; d < fitted.Dense.Length / 3; d++)
        {
            Line(writer, $"dense{d}", fitted.Dense[3 * d], fitted.Dense[3 * d + 1], fitted.Dense[3 * d + 2]);
        }
        foreach (var (hash, w) in fitted.Sparse.OrderBy(p => p.Key))
        {
            Line(writer, hash.ToString("x16", CultureInfo.InvariantCulture), w[0], w[1], w[2]);
        }
    }

    private static void Line(TextWriter writer, string name, double a, double b, double c) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{a:0.####}\t{b:0.####}\t{c:0.####}"));
}
