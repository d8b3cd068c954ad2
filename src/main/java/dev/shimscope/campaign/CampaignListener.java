package dev.shimscope.campaign;

/** Receives a campaign's {@link CampaignEvent}s (progress on a terminal, a log). */
@FunctionalInterface
public interface CampaignListener {

    CampaignListener NONE = e -> { };

    void on(CampaignEvent event);
}
