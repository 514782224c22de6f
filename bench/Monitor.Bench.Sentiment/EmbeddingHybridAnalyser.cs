using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// The candidate of the static-embedding attempt (docs/sentiment.md): the default analyser's model probabilities
/// averaged with the embedding head's, <c>(1 − w) × model + w × head</c>, then the same verdict (own band) and graded
/// score (own mix) as <see cref="HybridSentimentAnalyser"/>. A text none of whose tokens has a vector is left to the
/// model. With <c>w = 1, mix = 1</c> and no model it is the head alone (reported for information).
/// </summary>
internal sealed class EmbeddingHybridAnalyser : ISentimentAnalyser
{
    private const int MaxChars = 4096;
    private readonly LexiconSentimentAnalyser _lexicon;
    private readonly LinearSentimentModel? _model;
    private readonly StaticVectors _table;
    private readonly EmbeddingHead _head;
    private readonly double _w, _mix, _band;

    public EmbeddingHybridAnalyser(
        LexiconSentimentAnalyser lexicon, LinearSentimentModel? model, StaticVectors table, EmbeddingHead head,
        double w, double mix, double band)
    {
        _lexicon = lexicon;
        _model = model;
        _table = table;
        _head = head;
        _w = model is null ? 1 : w;
        _mix = mix;
        _band = band;
    }

    public SentimentResult Analyse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }
        var span = text.AsSpan(0, Math.Min(text.Length, MaxChars));
        var lexicon = _lexicon.Analyse(text);
        Span<double> p = stackalloc double[3];
        Span<double> q = stackalloc double[3];
        if (_model is not null)
        {
            _model.Probabilities(span, lexicon, p);
        }
        Span<double> vector = stackalloc double[_table.Dims];
        if (_table.TextVector(span, vector) > 0)
        {
            _head.Probabilities(vector, q);
            for (var k = 0; k < 3; k++) p[k] = (1 - _w) * p[k] + _w * q[k];
        }
        else if (_model is null)
        {
            return default;
        }
        var verdict = HybridSentimentAnalyser.Verdict(p, _band);
        var score = HybridSentimentAnalyser.Score(p, lexicon.Score, verdict, _mix);
        return new SentimentResult(score, verdict == 0 ? 0 : p[verdict + 1]);
    }
}
